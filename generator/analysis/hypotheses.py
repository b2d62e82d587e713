"""Hypotheses for a stated number: small, named changes of assumption that reproduce it exactly.

A source states a number that the spec's arithmetic does not give: the AlexNet paper's Figure 2
caption says conv1 has 253,440 neurons, but 96 × 55 × 55 = 290,400. :func:`explain` builds a
bounded set of candidate explanations from the spec's own hyperparameters and computed values, keeps
only those that reproduce the number *exactly*, and ranks them by how few assumptions they change,
then by simplicity. For 253,440 the best is Figure 2's two towers, 2 × 48 × 55 × 55, with one 55
written as 48 (the channels per tower, the number beside it): 2 × 48 × 48 × 55 = 253,440. When
nothing reproduces a number the answer is empty: a match is never forced.

The candidate families, each a small function below:

- the plain computation (no change);
- geometry: another input size, another symmetric padding or rounding rule, recomputed by the
  engine on a modified copy of the spec (one change, or two together);
- towers: one tower's share, or every tower counted in full;
- neighbours: the layer's input, or the output of the pooling layer that follows it;
- biases: parameters without biases, connections with biases;
- slips: one factor of the product replaced by another number of the spec (a typo);
- transpositions: two adjacent digits of the number swapped;
- parts: a part of the graph left out of a sum (the fully connected layers, the branches that
  feed one input of every merge, such as ResNet's projection shortcuts, the 1×1 reductions, the
  auxiliary classifiers, or one layer of a group).

A number stated for a group of layers (a table row covering an inception module) or rounded
("3.6 billion") is read by :func:`counts` and :func:`explain_count` only: the sum taken with parts
left out or the biases counted the other way, and for a rounded figure the computed value cut off
instead of rounded. Those readings are few and named; products, slips and geometry are not tried
on a rounded figure, which too many of them would fit.

A hypothesis is data: the changes of assumption it makes, each saying which factor or layer
changes, from what, to what (:data:`Change`), the expression it reproduces, and what it counts.
The pages say it in words (:mod:`generator.render.phrasing`).

Pure: no I/O, exact integers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from fractions import Fraction

from generator.analysis import graph
from generator.analysis.rounding import (
    Scale,
    count_rounds_to,
    count_truncates_to,
    in_decimal,
    magnitude,
)
from generator.core import engine, formatting
from generator.core.kinds import Product, kind_of
from generator.core.results import Analysis, LayerResult, Shape, counted
from generator.spec.models import (
    Conv,
    Pool,
    Quantity,
    Rounding,
    Sides,
    Spec,
)

#: The pseudo-layer name of the network's input, as in stated numbers.
INPUT = "input"
#: Quantities a number can be explained as.
QUANTITIES = (Quantity.NEURONS, Quantity.PARAMS, Quantity.MACS, Quantity.ACTIVATIONS)
#: Input sizes tried besides those near the spec's: crops that AlexNet variants are known to use.
WELL_KNOWN_CROPS = (224, 225, 227, 228, 231, 256)
#: Input sizes within this many pixels of the spec's are tried.
NEAR = 8
#: Symmetric paddings tried on a layer.
PADDINGS = (0, 1, 2, 3)
#: No hypothesis changes more assumptions than this.
MAX_CHANGES = 2


class Cause(str, Enum):
    """Which kind of explanation a hypothesis is."""

    PLAIN = "plain"
    GEOMETRY = "geometry"
    TOWERS = "towers"
    BIASES = "biases"
    NEIGHBOUR = "neighbour"
    SLIP = "slip"
    TRANSPOSITION = "transposition"
    OMISSION = "omission"
    ROUNDING = "rounding"
    TABLE = "table"
    COUNTER = "counter"


#: Among hypotheses changing as many assumptions, lower ranks come first: a different convention
#: (input size, rounding, towers, biases) before a different layer, before a typo.
CAUSE_RANK = {
    Cause.PLAIN: 0,
    Cause.GEOMETRY: 1,
    Cause.TOWERS: 1,
    Cause.BIASES: 1,
    Cause.OMISSION: 1,
    Cause.TABLE: 1,
    Cause.COUNTER: 1,
    Cause.NEIGHBOUR: 2,
    Cause.ROUNDING: 2,
    Cause.SLIP: 3,
    Cause.TRANSPOSITION: 4,
}


# --- what a hypothesis changes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputSize:
    """The input at another size: height and width as the spec has them, and as tried."""

    was: tuple[int, int]
    now: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Padding:
    """A layer padded by ``now`` pixels on every side."""

    layer: str
    was: int | str | None
    """The spec's padding: pixels when alike on every side, its word (``same``), None when
    uneven."""
    now: int


@dataclass(frozen=True, slots=True)
class LayerRounding:
    """A layer's output size rounded by another rule."""

    layer: str
    was: Rounding
    now: Rounding


@dataclass(frozen=True, slots=True)
class NetworkRounding:
    """Every conv and pooling layer rounded by one rule."""

    now: Rounding


@dataclass(frozen=True, slots=True)
class Towers:
    """A count taken on one tower only (``every`` false), or in full on each tower."""

    every: bool
    towers: int | None = None
    """The layer's towers; None for a network total, each split layer counted on one."""
    layer: str | None = None


@dataclass(frozen=True, slots=True)
class Biases:
    """The biases counted the other way: parameters without them, or multiply-accumulates with
    each bias as one more input of its output."""

    quantity: Quantity
    layer: str | None = None
    """The layer, for a layer's count; None for a sum."""
    biases: int = 0
    """The layer's biases."""


@dataclass(frozen=True, slots=True)
class Before:
    """A layer's count taken at its input: the output of ``source`` (None: the image)."""

    layer: str
    source: str | None


@dataclass(frozen=True, slots=True)
class After:
    """A layer's count taken at the output of ``after``, the pooling layer that reads it."""

    layer: str
    after: str


@dataclass(frozen=True, slots=True)
class InputNeurons:
    """The input's values counted as neurons too."""


@dataclass(frozen=True, slots=True)
class Omitted:
    """A part of the graph left out of a sum. Two are the same change when their keys are: the
    fully connected layers left out of one network and of another."""

    key: str
    omission: Omission = field(compare=False)


@dataclass(frozen=True, slots=True)
class Slip:
    """One factor of a layer's product written as another number of the spec (a typo)."""

    layer: str
    names: tuple[str, ...]
    """What each factor of the product is."""
    factors: tuple[int, ...]
    """The product as the spec computes it."""
    index: int
    """Which factor is written otherwise."""
    now: int
    """The number written in its place."""
    origin: str
    """Where the spec has that number (:func:`numbers`)."""
    copied: bool
    """Whether the number stands in the product already."""

    @property
    def was(self) -> int:
        return self.factors[self.index]

    @property
    def factor(self) -> str:
        return self.names[self.index]


@dataclass(frozen=True, slots=True)
class Swap:
    """Two adjacent digits swapped: ``meant`` written as ``written``."""

    meant: int
    written: int


@dataclass(frozen=True, slots=True)
class CutOff:
    """A rounded figure cut off at its last digit instead of rounded half up."""


@dataclass(frozen=True, slots=True)
class Binary:
    """A figure in K (M, B) read with K = 1,024 (1,024², 1,024³) instead of 1,000."""

    power: int
    """1 for K, 2 for M, 3 for B."""


@dataclass(frozen=True, slots=True)
class ColumnSum:
    """A total read as the sum of the figures the same source states row by row (a table's
    column), not as the network's own count."""

    source: str
    """The spec's key of the source that states the rows."""
    rows: int
    """How many rows the column has."""
    total: int
    """The rows' stated figures summed."""


@dataclass(frozen=True, slots=True)
class ByCounter:
    """A total read as the number an operation counter reports for the network (its own rules
    for what to count), where the source says that counter produced its figures."""

    tool: str
    """The counter's name (:data:`generator.core.counters.TOOLS`)."""


@dataclass(frozen=True, slots=True)
class Overhang:
    """A stated input size that is the stated one plus how far the first windowed layer's last
    window reaches past it under the layer's round-up rule: the input a round-down rule needs to
    give the same output size."""

    layer: str
    was: tuple[int, int]
    """The spec's input, height and width."""
    now: tuple[int, int]
    """The input stated: ``was`` plus the overhang on each axis."""
    output: tuple[int, int]
    """The layer's output size, the same under both."""


#: One changed assumption of a hypothesis: which factor or layer, from what, to what.
Change = (
    InputSize
    | Padding
    | LayerRounding
    | NetworkRounding
    | Towers
    | Biases
    | Before
    | After
    | InputNeurons
    | Omitted
    | Slip
    | Swap
    | CutOff
    | Binary
    | ColumnSum
    | ByCounter
    | Overhang
)
#: The changes that recompute the network (the engine runs on a changed spec).
GEOMETRY = (InputSize, Padding, LayerRounding, NetworkRounding)


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """One explanation that reproduces a stated number exactly."""

    expression: str
    """How the number comes about: the factors joined with ``" × "`` (``"2 × 48 × 48 × 55"``);
    for a network total, the sum of the per-layer values."""
    factors: tuple[int, ...]
    """Whole numbers whose product is the number (the number itself for a sum)."""
    changes: tuple[Change, ...]
    """Each assumption changed from the spec, the network's geometry first; empty for the plain
    computation."""
    cause: Cause
    quantity: Quantity
    """What is counted."""
    layer: str | None
    """The layer counted, ``input``, or None for the network."""
    first: str | None = None
    """For a group of layers (a table row), its first layer."""
    names: tuple[str, ...] = ()
    """What each factor of :attr:`expression` is, when it is one product."""
    summed: bool = False
    """Read by :func:`explain_count`: the layers' own values summed, taken another way."""
    rounded: int | None = None
    """For a rounded stated figure: the figure this reading rounds to, or with :class:`CutOff`
    is cut off to."""

    @property
    def value(self) -> int:
        return math.prod(self.factors)


def explain(
    analysis: Analysis,
    number: int,
    layer: str | None = None,
    quantity: Quantity = Quantity.NEURONS,
) -> tuple[Hypothesis, ...]:
    """Every hypothesis found that gives exactly ``number``, best first; empty when none does.

    ``layer`` names a layer of the analysis, or ``"input"``; ``None`` means the network total.
    For a layer, ``neurons`` counts its output values (conv and fc layers are the paper's neurons;
    a pooling layer's outputs are counted too, to explain a number stated for it). Raises
    ``KeyError`` for an unknown layer and ``ValueError`` for a negative number or a quantity that
    is not a count.
    """
    if number < 0:
        raise ValueError(f"a count is never negative, got {number}")
    if quantity not in QUANTITIES:
        raise ValueError(f"{quantity.value} is not a count")
    if layer is not None and layer != INPUT:
        analysis.layer(layer)  # KeyError for an unknown layer
    target = _Target(layer, quantity)
    pool = numbers(analysis)
    found: list[_Found] = []
    table: dict[int, _Found] = {}
    for variant in _variants(analysis, target, pool):
        for reading in target.readings(variant.analysis):
            candidate = _combine(target, variant, reading)
            if candidate is None:
                continue
            value = candidate.hypothesis.value
            if value == number:
                found.append(candidate)
            if len(candidate.hypothesis.changes) < MAX_CHANGES:
                best = table.get(value)
                if best is None or candidate.key < best.key:
                    table[value] = candidate
    found.extend(_slips(analysis, target, number, pool))
    found.extend(_transpositions(number, table))
    return _ranked(found)


def plain_value(analysis: Analysis, layer: str | None, quantity: Quantity) -> int:
    """The number as the spec computes it: what the plain hypothesis would have to match."""
    return _Target(layer, quantity).readings(analysis)[0].value


# --- internals ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading the asked-for number off an analysis: a product, or a sum of products."""

    terms: tuple[Product, ...]
    cause: Cause = Cause.PLAIN
    change: Change | None = None
    order: int = 0

    @property
    def value(self) -> int:
        return sum(t.value for t in self.terms)

    @property
    def factors(self) -> tuple[int, ...]:
        return self.terms[0].factors if len(self.terms) == 1 else (self.value,)

    @property
    def expression(self) -> str:
        if len(self.terms) == 1:
            return self.terms[0].text
        return " + ".join(str(t.value) for t in self.terms)

    @property
    def names(self) -> tuple[str, ...]:
        return self.terms[0].names if len(self.terms) == 1 else ()


@dataclass(frozen=True, slots=True)
class _Respec:
    """One changed assumption of the geometry, and how to apply it to a spec."""

    change: Change
    apply: Callable[[Spec], Spec]
    order: int = 0


@dataclass(frozen=True, slots=True)
class _Variant:
    analysis: Analysis
    changes: tuple[_Respec, ...] = ()


@dataclass(frozen=True, slots=True)
class _Found:
    hypothesis: Hypothesis
    order: int

    @property
    def key(self) -> tuple[int, int, int, int, str]:
        h = self.hypothesis
        return (len(h.changes), CAUSE_RANK[h.cause], self.order, len(h.factors), h.expression)


def _ranked(found: list[_Found]) -> tuple[Hypothesis, ...]:
    """Fewest changes first, then the likelier family, then the simpler expression; no repeats."""
    seen: set[str] = set()
    ranked: list[Hypothesis] = []
    for candidate in sorted(found, key=lambda f: f.key):
        if candidate.hypothesis.expression not in seen:
            seen.add(candidate.hypothesis.expression)
            ranked.append(candidate.hypothesis)
    return tuple(ranked)


def _combine(target: _Target, variant: _Variant, reading: _Reading) -> _Found | None:
    """A reading of a varied analysis as a hypothesis, unless it changes too much."""
    changes = tuple(c.change for c in variant.changes)
    if reading.change is not None:
        changes += (reading.change,)
    if len(changes) > MAX_CHANGES:
        return None
    cause = reading.cause
    if variant.changes and cause is Cause.PLAIN:
        cause = Cause.GEOMETRY
    order = reading.order + sum(c.order for c in variant.changes)
    hypothesis = Hypothesis(
        reading.expression,
        reading.factors,
        changes,
        cause,
        target.quantity,
        target.layer,
        names=reading.names,
    )
    return _Found(hypothesis, order)


# --- what is being explained --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Target:
    """A layer's (or the input's, or the network's) count of one quantity."""

    layer: str | None
    quantity: Quantity

    @property
    def volume(self) -> bool:
        return self.quantity in (Quantity.NEURONS, Quantity.ACTIVATIONS)

    def readings(self, analysis: Analysis) -> list[_Reading]:
        """The plain reading first, then the ones that change how the count is taken."""
        if self.layer is None:
            return _total_readings(analysis, self.quantity)
        if self.layer == INPUT:
            return [_Reading((_volume_term(analysis.input),))]
        result = analysis.layer(self.layer)
        plain = _plain_term(result, self.quantity)
        readings = [_Reading((plain,))]
        readings.extend(_tower_readings(result, plain))
        readings.extend(_bias_readings(result, self.quantity))
        if self.volume:
            readings.extend(_neighbour_readings(analysis, result))
        return readings

    def terms(self, analysis: Analysis) -> list[tuple[str, Product, int]]:
        """The products the plain value sums, each with its layer and tower count, for slips."""
        if self.layer is None:
            return [
                (r.name, _plain_term(r, self.quantity), r.towers)
                for r in analysis.layers
                if _layer_value(r, self.quantity)
            ]
        if self.layer == INPUT:
            return [(INPUT, _volume_term(analysis.input), 1)]
        result = analysis.layer(self.layer)
        return [(result.name, _plain_term(result, self.quantity), result.towers)]

    def last_index(self, analysis: Analysis) -> int | None:
        """The last layer a reading looks at: the layer, or the pooling layer just after it."""
        if self.layer is None:
            return None
        if self.layer == INPUT:
            return 0
        index = analysis.layer(self.layer).index
        if self.volume:
            after = _next_windowed(analysis, index)
            if after is not None:
                return after.index
        return index


def _layer_value(result: LayerResult, quantity: Quantity) -> int:
    """What a layer adds to a network total (neurons: conv and fc outputs only)."""
    return counted(result, quantity)


def _volume_term(shape: Shape) -> Product:
    """``C × H × W`` for a volume; ``N`` for a vector."""
    if len(shape) == 3:
        return Product(tuple(shape), ("channels", "height", "width"), (True, True, True))
    return Product(tuple(shape), ("values",) * len(shape), (True,) * len(shape))


def _plain_term(result: LayerResult, quantity: Quantity, *, flip_bias: bool = False) -> Product:
    """The layer's count as a product: its output ``C × H × W`` (or ``N``) for neurons, and its
    kind's own product for parameters and multiply-accumulates (:mod:`generator.core.kinds`)."""
    if quantity in (Quantity.NEURONS, Quantity.ACTIVATIONS):
        return _volume_term(result.output)
    found = kind_of(result.layer).product(result, quantity, flip_bias=flip_bias)
    return found if found is not None else Product((0,), ("nothing",), (False,))


def _split(term: Product, towers: int) -> Product | None:
    """``C × …`` as ``towers × C/towers × …``, as Figure 2 draws it; None when it does not split."""
    first = term.factors[0]
    if towers < 2 or first == 0 or first % towers:
        return None
    return Product(
        (towers, first // towers, *term.factors[1:]),
        ("towers", f"{term.names[0]} per tower", *term.names[1:]),
        (True, True, *term.slippable[1:]),
    )


def _tower_readings(result: LayerResult, plain: Product) -> list[_Reading]:
    """One tower's share, ``C/t × …``, and every tower counted in full, ``t × C × …``."""
    towers = result.towers
    split = _split(plain, towers)
    if split is None:
        return []
    one = Product(split.factors[1:], split.names[1:], split.slippable[1:])
    every = Product((towers, *plain.factors), ("towers", *plain.names), (True, *plain.slippable))
    return [
        _Reading((one,), Cause.TOWERS, Towers(False, towers, result.name)),
        _Reading((every,), Cause.TOWERS, Towers(True, towers, result.name), 1),
    ]


def _bias_readings(result: LayerResult, quantity: Quantity) -> list[_Reading]:
    """Parameters without the biases: ``C_out × (C_in / g) × k_h × k_w``; connections with them:
    ``C_out × H × W × ((C_in / g)·k_h·k_w + 1)``."""
    if not result.biases:
        return []
    change = Biases(quantity, result.name, result.biases)
    if quantity is Quantity.PARAMS:
        return [_Reading((_plain_term(result, quantity, flip_bias=True),), Cause.BIASES, change)]
    if quantity is Quantity.MACS:
        return [_Reading((_with_bias_connections(result),), Cause.BIASES, change)]
    return []


def _with_bias_connections(result: LayerResult) -> Product:
    return _plain_term(result, Quantity.MACS, flip_bias=True)


def _neighbour_readings(analysis: Analysis, result: LayerResult) -> list[_Reading]:
    """The layer's input (the previous layer's output), or the output of the pooling layer after it."""
    readings = []
    if tuple(result.input) != tuple(result.output):
        source = _previous(analysis, result.index)
        before = Before(result.name, None if source is None else source.name)
        readings.append(_Reading((_volume_term(result.input),), Cause.NEIGHBOUR, before))
    after = _next_windowed(analysis, result.index)
    if after is not None and tuple(after.output) != tuple(result.output):
        change = After(result.name, after.name)
        readings.append(_Reading((_volume_term(after.output),), Cause.NEIGHBOUR, change))
    return readings


def _previous(analysis: Analysis, index: int) -> LayerResult | None:
    """The layer that made the input of layer ``index``, looking past layers that pass values
    through (None: the image). A merge's first input is followed."""
    name = analysis.layers[index].inputs[0]
    while name != engine.INPUT:
        result = analysis.layer(name)
        if not kind_of(result.layer).passthrough:
            return result
        name = result.inputs[0]
    return None


def _next_windowed(analysis: Analysis, index: int) -> LayerResult | None:
    """The pooling layer that reads layer ``index`` (through activations and LRN), if any."""
    name = analysis.layers[index].name
    for result in analysis.layers[index + 1 :]:
        if name not in result.inputs:
            continue
        kind = kind_of(result.layer)
        if kind.passthrough:
            name = result.name
            continue
        return result if kind.pooling else None
    return None


def _total_readings(analysis: Analysis, quantity: Quantity) -> list[_Reading]:
    """The network total as the sum of its layers' products, and ways of taking it differently."""
    layers = [r for r in analysis.layers if _layer_value(r, quantity)]
    plain = tuple(_plain_term(r, quantity) for r in layers)
    readings = [_Reading(plain or (Product((0,), ("nothing",), (False,)),))]
    shares = [_split(t, r.towers) for t, r in zip(plain, layers, strict=True)]
    if any(s is not None for s in shares):
        one = tuple(
            t if s is None else Product(s.factors[1:], s.names[1:], s.slippable[1:])
            for t, s in zip(plain, shares, strict=True)
        )
        readings.append(_Reading(one, Cause.TOWERS, Towers(False)))
    if quantity is Quantity.NEURONS:
        volumes = (_volume_term(analysis.input), *plain)
        readings.append(_Reading(volumes, Cause.NEIGHBOUR, InputNeurons()))
    if quantity is Quantity.PARAMS and analysis.totals.biases:
        weights = tuple(_plain_term(r, quantity, flip_bias=True) for r in layers)
        readings.append(_Reading(weights, Cause.BIASES, Biases(quantity)))
    if quantity is Quantity.MACS and analysis.totals.biases:
        connections = tuple(
            _with_bias_connections(r) if r.biases else _plain_term(r, quantity) for r in layers
        )
        readings.append(_Reading(connections, Cause.BIASES, Biases(quantity)))
    everything = frozenset(r.index for r in analysis.layers)
    for omission in omissions(analysis, quantity, everything):
        kept = tuple(_plain_term(r, quantity) for r in layers if r.index not in omission.layers)
        if kept:
            left_out = Omitted(omission.key, omission)
            readings.append(_Reading(kept, Cause.OMISSION, left_out))
    return readings


# --- parts of the graph left out ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Omission:
    """A part of the graph a count may leave out: its layers, and what they are."""

    key: str
    """What the same part is called in another group or network: ``fc``, ``aux``, ``reduce``,
    ``branch:add:1/2`` (the first of an add's two inputs), ``layer:5x5_reduce``."""
    layers: frozenset[int]
    """The indices of its layers."""
    named: tuple[str, ...]
    """Its layers with weights (all of its layers, if none has weights), in order."""
    layer: str | None = None
    """For one layer of a group: that layer's name."""
    merge: str | None = None
    """For the branches into one input of every merge: the merge's kind (``add``)."""
    position: int = 0
    """For branches: which input of the merge they feed, 1 for the first."""
    shortcut: bool = False
    """For the branches into an ``add``: each is a 1×1 convolution beside the block it skips
    (ResNet's projection shortcuts), which identity shortcuts would replace."""


def omissions(
    analysis: Analysis, quantity: Quantity, scope: frozenset[int]
) -> tuple[Omission, ...]:
    """The parts of ``scope`` (layer indices) a count of ``quantity`` could leave out.

    The fully connected layers; the auxiliary classifiers (:func:`graph.auxiliary`); for each
    kind of branch (:attr:`graph.Arm.key`), the branches of that kind, such as ResNet's three
    projection shortcuts; the 1×1 reductions (:func:`graph.reductions`); and, in a group of
    layers (one table row), each of its layers with weights. A part that leaves out nothing of
    the count, or all of it, is no reading; two parts with the same layers are one.
    """
    counted_in = [r for r in analysis.layers if r.index in scope and counted(r, quantity)]
    if len(counted_in) < 2:
        return ()
    everything = frozenset(r.index for r in counted_in)
    group = len(scope) < len(analysis.layers)
    found: list[Omission] = []
    fc = [r for r in counted_in if graph.dense(r)]
    found.append(_omission("fc", fc))
    aux = [r for r in graph.auxiliary(analysis) if r.index in everything]
    found.append(_omission("aux", aux))
    if group:
        # A row's own layers first: a branch of one layer is better named by that layer.
        prefix = common_prefix([r.name for r in counted_in])
        for r in counted_in:
            found.append(_omission(f"layer:{r.name[len(prefix) :]}", [r], layer=r.name))
    by_key: dict[tuple[str, int, int], list[LayerResult]] = {}
    # Whether every merge of a kind of branch keeps its inputs' shape (sums them, as a
    # residual block does) rather than stacking them.
    keeps: dict[tuple[str, int, int], bool] = {}
    for arm in graph.arms(analysis):
        by_key.setdefault(arm.key, []).extend(r for r in arm.layers if r.index in everything)
        same = tuple(arm.merge.output) == tuple(arm.merge.input)
        keeps[arm.key] = keeps.get(arm.key, True) and same
    for (kind, position, inputs), members in by_key.items():
        key = f"branch:{kind}:{position + 1}/{inputs}"
        omission = _omission(key, members, merge=kind, position=position + 1)
        if keeps[(kind, position, inputs)] and _projections(members):
            omission = replace(omission, shortcut=True)
        found.append(omission)
    reductions = [r for r in graph.reductions(analysis) if r.index in everything]
    found.append(_omission("reduce", reductions))
    unique: dict[frozenset[int], Omission] = {}
    for omission in found:
        layers = omission.layers
        if layers and layers != everything and layers not in unique:
            unique[layers] = omission
    return tuple(unique.values())


def _projections(layers: list[LayerResult]) -> bool:
    """Whether each layer with weights is a 1×1 convolution: a projection."""
    weighted = [r for r in layers if graph.weighted(r)]
    return bool(weighted) and all(
        r.axes is not None and all(a.kernel == 1 for a in r.axes) for r in weighted
    )


def _omission(
    key: str,
    layers: list[LayerResult],
    *,
    layer: str | None = None,
    merge: str | None = None,
    position: int = 0,
) -> Omission:
    named = [r.name for r in layers if graph.weighted(r)] or [r.name for r in layers]
    indices = frozenset(r.index for r in layers)
    return Omission(key, indices, tuple(named), layer, merge, position)


def common_prefix(names: list[str]) -> str:
    """The dotted prefix a group's names share: ``inception_3a.`` for an inception module."""
    first, *rest = names
    cut = first.rfind(".") + 1
    while cut and not all(n.startswith(first[:cut]) for n in rest):
        cut = first.rfind(".", 0, cut - 1) + 1
    return first[:cut]


@dataclass(frozen=True, slots=True)
class Tally:
    """One way of taking a count over a layer, a group of layers or the network."""

    plain: int
    """The count as the spec computes it."""
    value: int
    """The count taken this way."""
    quantity: Quantity
    layer: str | None = None
    """The last layer counted; None for the network."""
    first: str | None = None
    """For a group of layers, the first."""
    changes: tuple[Change, ...] = ()
    """What differs from the plain count (:class:`Biases`, :class:`Omitted`); empty for it."""
    cause: Cause = Cause.PLAIN

    @property
    def keys(self) -> tuple[str, ...]:
        """The changes as :attr:`Omission.key` (and ``biases``): alike in every group and
        network."""
        return tuple(c.key if isinstance(c, Omitted) else "biases" for c in self.changes)

    @property
    def expression(self) -> str:
        """``163,696 − 6,176``: the plain count and what this way takes off or adds."""
        delta = self.value - self.plain
        if not delta:
            return formatting.count(self.plain)
        sign = "−" if delta < 0 else "+"
        return f"{formatting.count(self.plain)} {sign} {formatting.count(abs(delta))}"


def scope_of(analysis: Analysis, layer: str | None, first: str | None = None) -> frozenset[int]:
    """The layers a stated number covers: one, a group (``first`` through ``layer``) or all."""
    if layer is None:
        return frozenset(r.index for r in analysis.layers)
    end = analysis.layer(layer).index
    start = analysis.layer(first).index if first is not None else end
    return frozenset(range(start, end + 1))


def counts(
    analysis: Analysis, quantity: Quantity, layer: str | None = None, first: str | None = None
) -> tuple[Tally, ...]:
    """Every way the finder takes a count over a layer, a group or the network: the plain sum,
    then one change (the biases counted the other way, or one part left out, :func:`parts`),
    then both. Each is a sum of the layers' own values: no engine run.

    Raises ``KeyError`` for an unknown layer.
    """
    scope = scope_of(analysis, layer, first)
    members = [r for r in analysis.layers if r.index in scope]
    plain_values = {r.index: counted(r, quantity) for r in members}
    flipped_values = _flipped(members, quantity)
    plain = sum(plain_values.values())
    found = [Tally(plain, plain, quantity, layer, first)]
    bias = Biases(quantity)
    if flipped_values is not None:
        value = sum(flipped_values.values())
        found.append(Tally(plain, value, quantity, layer, first, (bias,), Cause.BIASES))
    for omission in omissions(analysis, quantity, scope):
        left_out = Omitted(omission.key, omission)
        for values, before in ((plain_values, ()), (flipped_values, (bias,))):
            if values is None:
                continue
            value = sum(v for i, v in values.items() if i not in omission.layers)
            changes: tuple[Change, ...] = (*before, left_out)
            found.append(Tally(plain, value, quantity, layer, first, changes, Cause.OMISSION))
    return tuple(found)


def _flipped(members: list[LayerResult], quantity: Quantity) -> dict[int, int] | None:
    """Each layer's count under the other bias convention; None when no layer has a bias."""
    if quantity not in (Quantity.PARAMS, Quantity.MACS) or not any(r.biases for r in members):
        return None
    return {
        r.index: (
            _plain_term(r, quantity, flip_bias=True).value if r.biases else counted(r, quantity)
        )
        for r in members
    }


def explain_count(
    analysis: Analysis,
    number: int,
    quantity: Quantity,
    layer: str | None = None,
    first: str | None = None,
    *,
    unit: int | None = None,
    explicit: bool = False,
    source: str | None = None,
) -> tuple[Hypothesis, ...]:
    """The readings of :func:`counts` that give ``number``, best first: equal to it, or for a
    figure rounded to ``unit`` (``1,000`` for "380K"), equal once rounded half up to that unit,
    or cut off there (one change more), or read with K = 1,024 (one change more; ``explicit``
    when the unit is the source's own, :func:`generator.analysis.rounding.magnitude`). For a
    network total that ``source`` (a key of the spec's sources) also states row by row, the
    column's sum too (:func:`column_sum`). At most :data:`MAX_CHANGES` changes; empty when none
    fits."""
    found: list[tuple[tuple[int, int, Fraction], Hypothesis]] = []
    power = magnitude(number, unit, explicit) if unit is not None else 0
    for reading in counts(analysis, quantity, layer, first):
        for changes, value, rounded in _fits(reading, number, unit, power):
            cause = reading.cause if reading.changes else Cause.ROUNDING
            hypothesis = Hypothesis(
                reading.expression,
                (reading.value,),
                changes,
                cause,
                quantity,
                layer,
                first,
                summed=True,
                rounded=rounded,
            )
            key = (len(changes), CAUSE_RANK[cause], abs(value - number))
            found.append((key, hypothesis))
    column = column_sum(analysis, quantity, source) if layer is None and source else None
    if column is not None and _gives(column.total, number, unit):
        hypothesis = Hypothesis(
            formatting.count(column.total),
            (column.total,),
            (column,),
            Cause.TABLE,
            quantity,
            layer,
            first,
            summed=True,
            rounded=number if unit is not None else None,
        )
        gap = Fraction(abs(column.total - number))
        found.append(((1, CAUSE_RANK[Cause.TABLE], gap), hypothesis))
    found.sort(key=lambda pair: pair[0])
    # A reading that adds a change to one that already fits says nothing more.
    kept: list[Hypothesis] = []
    for _, hypothesis in found:
        if not any(set(k.changes) < set(hypothesis.changes) for k in kept):
            kept.append(hypothesis)
    return tuple(kept)


def _gives(value: int, number: int, unit: int | None) -> bool:
    """``value`` is ``number``, or for a rounded figure rounds half up to it."""
    return value == number if unit is None else count_rounds_to(value, number, unit)


def _fits(
    reading: Tally, number: int, unit: int | None, power: int
) -> Iterator[tuple[tuple[Change, ...], Fraction, int | None]]:
    """Each way a reading gives ``number``: its changes, the value compared (in decimal units)
    and, for a rounded figure, the figure it rounds to."""
    if unit is None:
        if reading.value == number:
            yield reading.changes, Fraction(reading.value), None
        return
    scales: list[tuple[tuple[Change, ...], Fraction]] = [((), Fraction(reading.value))]
    if power:
        scales.append(((Binary(power),), in_decimal(reading.value, Scale.BINARY, power)))
    for extra, value in scales:
        changes = (*reading.changes, *extra)
        if changes and len(changes) <= MAX_CHANGES and count_rounds_to(value, number, unit):
            yield changes, value, number
        if len(changes) < MAX_CHANGES and count_truncates_to(value, number, unit):
            yield (*changes, CutOff()), value, number


def column_sum(analysis: Analysis, quantity: Quantity, source: str) -> ColumnSum | None:
    """The figures ``source`` states row by row for ``quantity`` (layers or groups of layers),
    summed, when its rows do not overlap and cover every layer that counts: the network's total
    as the source's own table adds up. None when it states no such column."""
    rows = [
        c
        for c in analysis.spec.stated
        if c.source == source
        and c.quantity is quantity
        and c.layer not in (None, INPUT)
        and isinstance(c.value, int)
    ]
    if len(rows) < 2:
        return None
    covered: set[int] = set()
    total = 0
    for row in rows:
        assert isinstance(row.value, int)
        scope = scope_of(analysis, row.layer, row.first)
        if scope & covered:
            return None
        covered |= scope
        total += row.value
    counting = {r.index for r in analysis.layers if counted(r, quantity)}
    if not counting <= covered:
        return None
    return ColumnSum(source, len(rows), total)


def explain_shape(analysis: Analysis, stated: Shape) -> tuple[Hypothesis, ...]:
    """A stated input size the first windowed layer's round-up rule implies: its last window
    reaches past the spec's input, and an input that much larger, rounded down, gives the same
    output (AlexNet's 224 rounded up, and 227 rounded down, both give conv1 55×55). Empty when
    the stated size is not that one."""
    first = next((r for r in analysis.layers if r.axes is not None), None)
    if first is None or first.axes is None or len(stated) != 3 or len(analysis.input) != 3:
        return ()
    height, width = first.axes
    now = (height.size + height.overhang, width.size + width.overhang)
    if not (height.overhang or width.overhang) or tuple(stated) != (analysis.input[0], *now):
        return ()
    change = Overhang(first.name, (height.size, width.size), now, (height.output, width.output))
    factors = tuple(stated)
    expression = " × ".join(str(f) for f in factors)
    return (Hypothesis(expression, factors, (change,), Cause.GEOMETRY, Quantity.SHAPE, INPUT),)


# --- the spec's own numbers ---------------------------------------------------------------------


def numbers(analysis: Analysis) -> dict[int, str]:
    """Every whole number above 1 in the spec and its computed shapes, with where it first appears.

    These are the numbers a slip of the pen could write in place of another: ``48`` is
    "conv1's channels per tower", ``55`` "conv1's output size".
    """
    found: dict[int, str] = {}

    def note(value: int, where: str) -> None:
        if value > 1 and value not in found:
            found[value] = where

    channels, height, width = analysis.input
    note(channels, "the input's channels")
    note(height, "the input's height")
    note(width, "the input's width")
    note(analysis.spec.towers, "the number of towers")
    for result in analysis.layers:
        name = result.name
        for value, where in kind_of(result.layer).numbers(result):
            note(value, where)
        for size in result.output:
            note(size, f"{name}'s output size" if len(result.output) == 3 else f"{name}'s outputs")
    return found


# --- geometry: the same network under other assumptions ----------------------------------------


def _variants(analysis: Analysis, target: _Target, pool: dict[int, str]) -> Iterator[_Variant]:
    """The analysis itself, then the spec recomputed under one changed assumption, then two.

    Pairs are bounded: the input size with a padding or rounding change of the layer itself or a
    rounding change of the whole network (network totals: the input size with the rounding).
    """
    yield _Variant(analysis)
    spec = analysis.spec
    last = target.last_index(analysis)
    if last is not None:
        spec = spec.model_copy(update={"layers": spec.layers[: last + 1]})
    index = None
    if target.layer is not None and target.layer != INPUT:
        index = analysis.layer(target.layer).index
    inputs = _input_changes(analysis.spec, pool)
    layer_changes: list[_Respec] = []
    windowed = _windowed(spec)
    for i in windowed if index is None else [index]:
        if i in windowed:
            layer_changes.extend(_padding_changes(spec, i))
            layer_changes.extend(_rounding_changes(spec, i))
    network = _network_rounding_changes(spec)
    if target.layer == INPUT:
        layer_changes, network = [], []
    singles = [*inputs, *layer_changes, *network]
    pairs: list[tuple[_Respec, ...]] = [(a, b) for a in inputs for b in network]
    if index is not None:
        pairs += [(a, b) for a in inputs for b in layer_changes]
        paddings = [c for c in layer_changes if isinstance(c.change, Padding)]
        roundings = [c for c in layer_changes if isinstance(c.change, LayerRounding)]
        pairs += [(a, b) for a in paddings for b in [*roundings, *network]]
    for changes in [*((c,) for c in singles), *pairs]:
        varied = spec
        for change in changes:
            varied = change.apply(varied)
        try:
            yield _Variant(engine.analyse(analysis.name, varied), changes)
        except engine.GeometryError:
            continue


def _windowed(spec: Spec) -> list[int]:
    """Where the spec's windowed layers are: the finder may vary their padding and rounding."""
    return [i for i, item in enumerate(spec.layers) if kind_of(item).windowed]


def _input_changes(spec: Spec, pool: dict[int, str]) -> list[_Respec]:
    """Input sizes within ``NEAR`` pixels of the spec's, well-known crops, and sizes the spec uses."""
    channels, height, width = spec.input
    sizes = {height + d for d in range(-NEAR, NEAR + 1)} | set(WELL_KNOWN_CROPS)
    sizes |= {n for n in pool if height // 2 <= n <= 2 * height}
    changes = []
    for size in sorted(sizes - {height}, key=lambda s: (abs(s - height), s)):
        new = (channels, size, width + size - height)
        if min(new) < 1:
            continue
        change = InputSize((height, width), (new[1], new[2]))
        changes.append(_Respec(change, _with_input(new), abs(size - height)))
    return changes


def _with_input(shape: tuple[int, int, int]) -> Callable[[Spec], Spec]:
    return lambda spec: spec.model_copy(update={"input": shape})


def _with_layer(index: int, update: dict[str, object]) -> Callable[[Spec], Spec]:
    def apply(spec: Spec) -> Spec:
        layers = list(spec.layers)
        layers[index] = layers[index].model_copy(update=update)
        return spec.model_copy(update={"layers": tuple(layers)})

    return apply


def _padding_changes(spec: Spec, index: int) -> list[_Respec]:
    """The same padding on all four sides, 0 to 3 pixels, in place of the layer's own."""
    layer = spec.layers[index]
    assert isinstance(layer, Conv | Pool)  # the finder varies windowed layers only
    was = layer.padding
    current = (
        was.top
        if isinstance(was, Sides) and len({was.top, was.bottom, was.left, was.right}) == 1
        else None
    )
    spec_padding = current if current is not None else (was if isinstance(was, str) else None)
    return [
        _Respec(
            Padding(layer.name, spec_padding, p),
            _with_layer(index, {"padding": Sides(top=p, bottom=p, left=p, right=p)}),
            abs(p - current) if current is not None else p,
        )
        for p in PADDINGS
        if p != current
    ]


def _rounding_changes(spec: Spec, index: int) -> list[_Respec]:
    """Another rounding rule for the layer's output size."""
    layer = spec.layers[index]
    assert isinstance(layer, Conv | Pool)
    return [
        _Respec(
            LayerRounding(layer.name, layer.rounding, rule),
            _with_layer(index, {"rounding": rule}),
        )
        for rule in Rounding
        if rule is not layer.rounding
    ]


def _network_rounding_changes(spec: Spec) -> list[_Respec]:
    """One rounding rule for every conv and pooling layer (PyTorch floors, cuda-convnet rounds up)."""
    windowed = _windowed(spec)

    def apply(rule: Rounding) -> Callable[[Spec], Spec]:
        def changed(spec: Spec) -> Spec:
            layers = list(spec.layers)
            for i in windowed:
                layers[i] = layers[i].model_copy(update={"rounding": rule})
            return spec.model_copy(update={"layers": tuple(layers)})

        return changed

    rules = {item.rounding for item in spec.layers if isinstance(item, Conv | Pool)}
    return [
        _Respec(NetworkRounding(rule), apply(rule))
        for rule in Rounding
        if rules and rules != {rule}
    ]


# --- slips and transpositions ------------------------------------------------------------------


def _slips(
    analysis: Analysis, target: _Target, number: int, pool: dict[int, str]
) -> Iterator[_Found]:
    """One factor of the plain product written as another number of the spec.

    Tried on ``C × H × W`` and on Figure 2's per-tower form ``towers × C/towers × H × W`` (for
    a total, in one layer's term): ``2 × 48 × 55 × 55`` with one 55 written as 48 gives
    ``2 × 48 × 48 × 55 = 253,440``. A slip that repeats a number already in the product (48
    stands right beside the 55) ranks before one that brings a number from elsewhere.
    """
    terms = target.terms(analysis)
    total = sum(term.value for _, term, _ in terms)
    for j, (_, term, towers) in enumerate(terms):
        needed = number - (total - term.value)
        if needed <= 0:
            continue
        split = _split(term, towers)
        for form in (term, *([split] if split is not None else [])):
            for i, (factor, slippable) in enumerate(zip(form.factors, form.slippable, strict=True)):
                if not slippable or factor in form.factors[:i]:
                    continue  # the same slip as one already tried
                others = math.prod(form.factors[:i] + form.factors[i + 1 :])
                if others == 0 or needed % others:
                    continue
                written = needed // others
                if written == factor or written not in pool:
                    continue
                slipped = Product(
                    (*form.factors[:i], written, *form.factors[i + 1 :]),
                    form.names,
                    form.slippable,
                )
                copied = written in form.factors
                slip = Slip(
                    terms[j][0], form.names, form.factors, i, written, pool[written], copied
                )
                yield _slip(target, terms, j, slipped, slip, number)


def _slip(
    target: _Target,
    terms: list[tuple[str, Product, int]],
    j: int,
    slipped: Product,
    slip: Slip,
    number: int,
) -> _Found:
    if len(terms) == 1:
        expression, factors = slipped.text, slipped.factors
    else:
        parts = [slipped.text if k == j else str(t.value) for k, (_, t, _) in enumerate(terms)]
        expression, factors = " + ".join(parts), (number,)
    hypothesis = Hypothesis(expression, factors, (slip,), Cause.SLIP, target.quantity, target.layer)
    return _Found(hypothesis, 0 if slip.copied else 1)


def _transpositions(number: int, table: dict[int, _Found]) -> Iterator[_Found]:
    """Two adjacent digits swapped: 209,400 for 290,400 = 96 × 55 × 55."""
    digits = str(number)
    for i in range(len(digits) - 1):
        if digits[i] == digits[i + 1]:
            continue
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        if swapped[0] == "0":
            continue
        meant = table.get(int(swapped))
        if meant is None:
            continue
        hypothesis = meant.hypothesis
        transposed = replace(
            hypothesis,
            expression=f"{hypothesis.expression} = {swapped} → {digits}",
            factors=(number,),
            changes=(*hypothesis.changes, Swap(int(swapped), number)),
            cause=Cause.TRANSPOSITION,
        )
        yield _Found(transposed, meant.order)
