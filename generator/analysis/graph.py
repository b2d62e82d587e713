"""The shape of a network's graph: which layers carry weights, how deep it is, where its branches
run, which layers feed only an auxiliary output, and at which effective stride each layer works.

These are what a source may leave out of a count without saying so (the fully connected layers,
ResNet's projection shortcuts, GoogLeNet's training-only classifiers, the 1×1 reductions of an
inception module) and what lines up networks of different depths (the stride at which a layer
works: 2, 4, 8, 16, 32 in every ImageNet network here). Read off an analysis; pure.

The last part (:func:`structure`) takes any graph of parts in a topological order, such as the
boxes a 3D view draws, and finds its main line, the modules where it splits and meets again, their
branches, and the parts that lead to no output: what the figures lay out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from generator.core import engine
from generator.core.kinds import kind_of
from generator.core.results import Analysis, LayerResult


def weighted(result: LayerResult) -> bool:
    """A layer that makes a new map with weights of its own (a convolution, a fully connected
    layer): the layers a paper counts when it says "22 layers deep". Batch norm scales the map it
    reads, so it is not one."""
    return result.weights > 0 and not kind_of(result.layer).passthrough


def dense(result: LayerResult) -> bool:
    """A fully connected layer: every output reads every input value."""
    return weighted(result) and kind_of(result.layer).dense


def merges(result: LayerResult) -> bool:
    """A layer where branches meet (``add``, ``concat``)."""
    return kind_of(result.layer).merge is not None


def readers(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    """Every layer's name (and ``input``) → the layers that read its output, in order."""
    found: dict[str, list[str]] = {engine.INPUT: []}
    for result in analysis.layers:
        found[result.name] = []
        for name in result.inputs:
            found[name].append(result.name)
    return {name: tuple(names) for name, names in found.items()}


def main_path(analysis: Analysis) -> frozenset[str]:
    """The layers the last layer depends on, itself included: the network that classifies."""
    number = {engine.INPUT: 0} | {r.name: r.index + 1 for r in analysis.layers}
    preds = [(), *(tuple(number[n] for n in r.inputs) for r in analysis.layers)]
    last = len(analysis.layers)
    found = _reach(preds, last, range(1, last + 1)) | {last}
    return frozenset(analysis.layers[n - 1].name for n in found)


def auxiliary(analysis: Analysis) -> tuple[LayerResult, ...]:
    """The layers that feed only the spec's declared ``outputs`` (GoogLeNet's two training-only
    classifiers), not the last layer; empty when the spec declares no other output."""
    if not analysis.spec.outputs:
        return ()
    main = main_path(analysis)
    return tuple(r for r in analysis.layers if r.name not in main)


@dataclass(frozen=True, slots=True)
class Arm:
    """One branch into a merge: the layers between the fork it leaves and the merge it joins."""

    merge: LayerResult
    position: int
    """Which input of the merge it feeds (0: the first)."""
    layers: tuple[LayerResult, ...]
    """In order; empty for an identity shortcut (the merge reads the fork itself)."""

    @property
    def key(self) -> tuple[str, int, int]:
        """What arms of different modules share: the merge's kind, the input it feeds, how many
        inputs the merge has. ResNet's projection shortcuts are all ``("add", 0, 2)``."""
        return (self.merge.kind, self.position, len(self.merge.inputs))


def arms(analysis: Analysis) -> tuple[Arm, ...]:
    """Every merge's branches, walked back from each of its inputs to the fork.

    A branch is the chain of single-input layers that only it reads; it ends (going back) at a
    layer read by more than one layer (the fork) or at another merge.
    """
    read_by = readers(analysis)
    by_name = {r.name: r for r in analysis.layers}
    found = []
    for merge in analysis.layers:
        if not merges(merge):
            continue
        for position, name in enumerate(merge.inputs):
            chain: list[LayerResult] = []
            while name != engine.INPUT and len(read_by[name]) == 1:
                result = by_name[name]
                if merges(result) or len(result.inputs) != 1:
                    break
                chain.append(result)
                name = result.inputs[0]
            found.append(Arm(merge, position, tuple(reversed(chain))))
    return tuple(found)


def reductions(analysis: Analysis) -> tuple[LayerResult, ...]:
    """The 1×1 convolutions that only shrink the channels for a larger convolution after them
    (GoogLeNet's "#3×3 reduce" and "#5×5 reduce"): the next layer with weights that reads them,
    past activations and normalisations, has a larger window."""
    read_by = readers(analysis)
    by_name = {r.name: r for r in analysis.layers}
    found = []
    for result in analysis.layers:
        if not (weighted(result) and _window(result) == (1, 1)):
            continue
        after = _next_weighted(result.name, read_by, by_name)
        if after is not None and (_window(after) or (1, 1)) > (1, 1):
            found.append(result)
    return tuple(found)


def _window(result: LayerResult) -> tuple[int, int] | None:
    if result.axes is None:
        return None
    return (result.axes[0].kernel, result.axes[1].kernel)


def _next_weighted(
    name: str, read_by: dict[str, tuple[str, ...]], by_name: dict[str, LayerResult]
) -> LayerResult | None:
    """The one layer with weights that reads ``name``, looking past layers that pass it through."""
    while len(read_by[name]) == 1:
        result = by_name[read_by[name][0]]
        if weighted(result):
            return result
        if not kind_of(result.layer).passthrough:
            return None
        name = result.name
    return None


def depth_path(analysis: Analysis) -> tuple[LayerResult, ...]:
    """The layers with weights on the longest path from the input to the last layer.

    Its length is the depth a paper gives: VGG-16's 16, ResNet-34's 34, GoogLeNet's "22 layers
    deep when counting only layers with parameters". Of two equally deep inputs the first is
    followed.
    """
    deepest: dict[str, tuple[LayerResult, ...]] = {engine.INPUT: ()}
    for result in analysis.layers:
        before = max((deepest[n] for n in result.inputs), key=len)
        deepest[result.name] = (*before, result) if weighted(result) else before
    return deepest[analysis.layers[-1].name]


def depth(analysis: Analysis) -> int:
    """How many layers with weights the longest path has (:func:`depth_path`)."""
    return len(depth_path(analysis))


@dataclass(frozen=True, slots=True)
class Stage:
    """The layers of the deepest path that work at one effective stride, or the dense layers."""

    stride: Fraction | None
    """Input pixels between neighbouring outputs; None for the fully connected layers."""
    layers: tuple[LayerResult, ...]
    """The layers with weights of the deepest path at this stride."""
    channels: int
    """How many channels (or features) leave the stage: the last main-path output at it."""


def stride(result: LayerResult) -> Fraction:
    """The effective stride of a layer's output along its height."""
    return result.jump[0]


def stages(analysis: Analysis) -> tuple[Stage, ...]:
    """The deepest path cut where the effective stride changes: a network's stages.

    VGG-16 has 2, 2, 3, 3 and 3 convolutions at strides 1, 2, 4, 8 and 16, then 3 fully connected
    layers; AlexNet reaches stride 4 in its first layer.
    """
    path = depth_path(analysis)
    main = main_path(analysis)
    leaving: dict[Fraction | None, int] = {}
    for result in analysis.layers:
        if result.name in main:
            key = None if dense(result) or len(result.output) != 3 else stride(result)
            if key is not None or dense(result):
                leaving[key] = result.output[0]
    found: list[Stage] = []
    for key, group in _runs(path):
        found.append(Stage(key, group, leaving.get(key, group[-1].output[0])))
    return tuple(found)


def _runs(
    path: tuple[LayerResult, ...],
) -> Iterator[tuple[Fraction | None, tuple[LayerResult, ...]]]:
    group: list[LayerResult] = []
    key: Fraction | None = None
    for result in path:
        this = None if dense(result) else stride(result)
        if group and this != key:
            yield key, tuple(group)
            group = []
        key = this
        group.append(result)
    if group:
        yield key, tuple(group)


@dataclass(frozen=True, slots=True)
class StageSum:
    """Everything a network's layers at one stage hold: parameters and multiply-accumulates."""

    stride: Fraction | None
    """The stage's effective stride; None for the fully connected layers and the auxiliary
    classifiers."""
    auxiliary: bool
    """The layers that feed only an auxiliary output (:func:`auxiliary`), whatever their stride."""
    params: int
    macs: int


def stage_sums(analysis: Analysis) -> tuple[StageSum, ...]:
    """Every layer's parameters and multiply-accumulates summed by stage: its output's effective
    stride, the fully connected layers apart, the auxiliary classifiers apart. The sums add up to
    the network's totals, in order of stride."""
    aside = {r.name for r in auxiliary(analysis)}
    sums: dict[tuple[bool, Fraction | None], list[int]] = {}
    for result in analysis.layers:
        if not (result.params or result.macs):
            continue
        volume = len(result.output) == 3 and not dense(result)
        key = (
            result.name in aside,
            stride(result) if volume and result.name not in aside else None,
        )
        found = sums.setdefault(key, [0, 0])
        found[0] += result.params
        found[1] += result.macs
    order = sorted(sums, key=lambda k: (k[0], k[1] is None, k[1] or 0))
    return tuple(StageSum(k[1], k[0], *sums[k]) for k in order)


# --- The structure of a graph of parts: its main line, modules and branches ---------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A stretch of a graph from ``source`` to ``sink`` (neither of them its own): the parts every
    path between them passes, and between two of those, where it splits and meets again."""

    source: int
    sink: int
    nodes: frozenset[int]
    """Every part of the stretch: those of its spine, its modules and its knot."""
    spine: tuple[int, ...]
    """The parts every path from ``source`` to ``sink`` passes, in order."""
    modules: tuple[Module, ...]
    """In order along the line: one between any two neighbours of ``source``, the spine and
    ``sink`` that more than one path joins."""
    knot: frozenset[int] = frozenset()
    """Parts whose paths cross so that neither a spine nor separate branches can be found; empty
    (and ``nodes`` is its spine and modules) but for such a knot, which has neither."""


@dataclass(frozen=True, slots=True)
class Module:
    """Where a line splits after ``source`` and meets again at ``sink``: an inception module, a
    residual block, a fire module."""

    source: int
    sink: int
    inner: frozenset[int]
    """Its parts, between ``source`` and ``sink``."""
    branches: tuple[Line, ...]
    """Its branches that have parts of their own, in order of their first part."""
    shortcut: bool
    """``sink`` also reads ``source`` itself: one more branch, with no part (an identity
    shortcut)."""

    @property
    def ways(self) -> int:
        """How many branches it has, the shortcut included."""
        return len(self.branches) + self.shortcut


@dataclass(frozen=True, slots=True)
class Structure:
    """A graph's main line from its input (part 0) to its output, and the parts aside from it."""

    main: Line
    """From part 0 to the output (the part whose output is the network's)."""
    aside: tuple[frozenset[int], ...]
    """The parts that lead to no output (GoogLeNet's auxiliary classifiers), in groups of
    connected parts, in order of their first part."""
    steps: tuple[int, ...]
    """Each part's longest path from part 0, in parts: where a figure puts it along the network."""

    @property
    def spine(self) -> tuple[int, ...]:
        """The input, the parts on the main line and the output, in order."""
        if self.main.sink == 0:
            return (0,)
        return (0, *self.main.spine, self.main.sink)

    @property
    def side(self) -> frozenset[int]:
        """Every part :attr:`aside`."""
        return frozenset().union(*self.aside)


def structure(preds: Sequence[Sequence[int]], sink: int) -> Structure:
    """The structure of a graph of parts given by what each part reads (``preds``), in a
    topological order from the input (part 0), and the part whose output is the network's.

    The parts every path from the input to ``sink`` passes are the main line; between two of
    them, each group of connected parts is a branch, found the same way in turn; a branch with no
    part of its own is a shortcut. Parts that ``sink`` does not depend on are aside.
    """
    succs = _succs(preds)
    main = _reach(preds, sink, range(len(preds))) | {sink}
    if sink == 0:
        line = Line(0, 0, frozenset(), (), ())
    else:
        line = _line(preds, succs, 0, sink, frozenset(main - {0, sink}))
    aside = _components(preds, set(range(len(preds))) - main)
    return Structure(line, tuple(aside), _steps(preds))


def _line(
    preds: Sequence[Sequence[int]],
    succs: Sequence[Sequence[int]],
    source: int,
    sink: int,
    members: frozenset[int],
) -> Line:
    """The line through ``members``, the parts between ``source`` and ``sink``."""
    # Paths through the stretch only: a shortcut from source to sink passes no part.
    spine = tuple(
        m
        for m in sorted(members)
        if not any(
            sink in _reach(succs, first, members - {m}, sink)
            for first in succs[source]
            if first in members - {m}
        )
    )
    free = members - set(spine)
    modules = []
    for a, b in pairwise([source, *spine, sink]):
        inner = _reach(succs, a, free) & _reach(preds, b, free)
        if not inner:
            continue
        parts = _components(preds, inner)
        branches: tuple[Line, ...]
        if parts == [members] and (a, b) == (source, sink):
            # No spine and no separate branches: nothing more to find here.
            branches = (Line(a, b, members, (), (), members),)
        else:
            branches = tuple(_line(preds, succs, a, b, part) for part in parts)
        modules.append(Module(a, b, frozenset(inner), branches, a in preds[b]))
    return Line(source, sink, members, spine, tuple(modules))


def _succs(preds: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    found: list[list[int]] = [[] for _ in preds]
    for node, before in enumerate(preds):
        for pred in before:
            found[pred].append(node)
    return tuple(tuple(nodes) for nodes in found)


def _reach(
    neighbours: Sequence[Sequence[int]], start: int, allowed: Iterable[int], goal: int | None = None
) -> set[int]:
    """Parts reached from ``start`` through ``allowed`` ones (and ``goal``, not passed through)."""
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


def _components(preds: Sequence[Sequence[int]], members: set[int]) -> list[frozenset[int]]:
    """``members`` in groups connected among themselves, in order of their first part."""
    links: dict[int, set[int]] = {m: set() for m in members}
    for node in members:
        for pred in preds[node]:
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


def _steps(preds: Sequence[Sequence[int]]) -> tuple[int, ...]:
    found: list[int] = []
    for before in preds:
        found.append(max((found[p] for p in before), default=-1) + 1)
    return tuple(found)
